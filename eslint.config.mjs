import tseslint from 'typescript-eslint';

/*
 * The rooms of src/ and what each may import (docs/architecture.md draws the same map). Enforced with
 * no-restricted-imports, one entry per room: flat config replaces a rule's options per file rather than
 * merging them, so each room lists everything it may not import, SDK rules included. A violation fails
 * `eslint src test bench`, which `npm test` runs; test/lint/boundaries.test.ts shows that it does.
 */

/** An import of one of our rooms (or root modules) by relative path, from any depth. */
const room = (names) => `^(\\.\\./)+(${names})(/|\\.|$)`;
/** Any package except Node's own modules. */
const ANY_PACKAGE = '^(?!node:|\\.)';

const BOTBUILDER = { regex: '^botbuilder', message: 'botbuilder (archived) stays in src/teams, so replacing it is a change to that folder only.' };
const BOLT = { regex: '^@slack/', message: 'The Slack SDK stays in src/slack.' };
const RESTIFY = { regex: '^restify', message: 'The HTTP server is src/server.ts; rooms below it know nothing of HTTP frameworks.' };
const AZURE_SDK = {
  regex: '^@azure/',
  message: 'Azure SDKs stay in src/azure (and src/storage for Blob); the core and the channels talk to the TriageEngine contract.',
};

const RULES = [
  {
    files: ['src/**/*.ts'],
    patterns: [BOTBUILDER, BOLT],
  },
  {
    files: ['src/primitives/**'],
    patterns: [
      { regex: '^\\.\\./', message: 'src/primitives is the bottom room: it imports nothing of ours.' },
      { regex: ANY_PACKAGE, message: 'src/primitives uses no packages.' },
    ],
  },
  {
    files: ['src/triage/**'],
    patterns: [
      {
        regex: room('azure|storage|simulator|channels|conversation|teams|slack|cli|config|settings|server|index|playground'),
        message: 'src/triage is the pure domain: it imports only itself and src/primitives.',
      },
      { regex: ANY_PACKAGE, message: 'src/triage uses no packages: SDKs and I/O live in the rooms around it.' },
    ],
  },
  {
    files: ['src/triage/checks/**'],
    patterns: [
      {
        regex: '^\\.\\./\\.\\./(?!primitives(/|$))',
        message: 'A check is a pure function of Evidence: it imports src/triage (and src/primitives), nothing else.',
      },
      { regex: ANY_PACKAGE, message: 'A check uses no packages.' },
    ],
  },
  {
    files: ['src/azure/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      {
        regex: room('conversation|teams|slack|channels|storage|simulator|cli|settings|server|index|playground'),
        message: 'src/azure reads Azure for the engine; it knows no channel, no storage and no emulator.',
      },
    ],
  },
  {
    files: ['src/channels/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      AZURE_SDK,
      {
        regex: room('azure|storage|simulator|conversation|teams|slack|cli|settings|server|index|playground'),
        message: 'src/channels turns findings into view models and renders them; it reads nothing and sends nothing.',
      },
    ],
  },
  {
    files: ['src/conversation/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      AZURE_SDK,
      {
        regex: room('azure|simulator|teams|slack|cli|server|index|playground'),
        message: 'The conversation core is channel-neutral: channels import it, never the other way round.',
      },
    ],
  },
  {
    files: ['src/alerts/**'],
    patterns: [BOTBUILDER, BOLT, RESTIFY, AZURE_SDK, { regex: room('azure|simulator|teams|slack|cli|server|index|playground'), message: 'src/alerts is channel-neutral like the core: it posts through the channel ports the composition root hands it.' }],
  },
  {
    files: ['src/teams/**'],
    patterns: [
      BOLT,
      AZURE_SDK,
      {
        regex: room('slack|azure|simulator|cli|storage'),
        message: 'src/teams adapts Bot Framework to the conversation core; it reaches nothing else.',
      },
    ],
  },
  {
    files: ['src/slack/**'],
    patterns: [
      BOTBUILDER,
      AZURE_SDK,
      { regex: room('teams|azure|simulator|cli|storage'), message: 'src/slack adapts bolt to the conversation core; it reaches nothing else.' },
    ],
  },
  {
    files: ['src/scheduling/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      {
        regex: room('azure|storage|simulator|channels|conversation|teams|slack|cli|triage|config|settings|server|index|playground'),
        message: 'src/scheduling paces work on the event loop; it knows nothing of what the work is.',
      },
    ],
  },
  {
    files: ['src/storage/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      {
        regex: room('conversation|teams|slack|channels|azure|simulator|cli|server'),
        message: 'src/storage keeps bytes; it knows no conversation, channel or engine.',
      },
    ],
  },
  {
    files: ['src/simulator/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      { regex: room('conversation|teams|slack|channels|storage|cli|server'), message: 'src/simulator plays Azure; it knows no channel.' },
    ],
  },
  {
    files: ['src/cli/**'],
    patterns: [
      BOTBUILDER,
      BOLT,
      RESTIFY,
      { regex: room('conversation|teams|slack|server'), message: 'The CLI runs the engine directly; the chat rooms are not its business.' },
    ],
  },
  {
    files: ['bench/**'],
    patterns: [BOLT],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Unit tests sit beside their subject and may reach fixtures and drivers anywhere; the rooms are for the product.
  ...RULES.map(({ files, patterns }) => ({ files, ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', { patterns }] } })),
);
