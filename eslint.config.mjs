import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['botbuilder*'], message: 'botbuilder belongs in src/teams only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/teams/**', 'bench/support/echo-bot.ts', 'test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/triage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@azure/*', 'botbuilder*', '../azure/*', '../conversation/*', '../teams/*', '../slack/*'], message: 'src/triage is the pure domain: no SDKs, no I/O.' }] },
      ],
    },
  },
);
