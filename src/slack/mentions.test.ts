import { withoutMentions } from './mentions';

test('only what follows the @mention is the request, wherever the mention stands', () => {
  expect(withoutMentions('<@U0BOT> check aks-prod myacr')).toBe('check aks-prod myacr');
  expect(withoutMentions('<@U0BOT|triage>   help')).toBe('help');
  expect(withoutMentions('pods on aks-prod <@U0BOT> cannot pull myacr.azurecr.io/shop/api:1.4.2')).toBe(
    'pods on aks-prod cannot pull myacr.azurecr.io/shop/api:1.4.2',
  );
  expect(withoutMentions('<@U0BOT>')).toBe('');
});
