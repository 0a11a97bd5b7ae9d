import { AppConfig } from '../config/app-config';
import { MailLinks } from './mail-links';

describe('MailLinks', () => {
  const links = new MailLinks({ mail: { appUrl: 'https://app.example.org/portal' } } as AppConfig);

  it('should put the token in the fragment of an APP_URL link', () => {
    expect(links.verifyEmail('a-b_c')).toBe('https://app.example.org/portal/verify-email#token=a-b_c');
    expect(links.resetPassword('x')).toBe('https://app.example.org/portal/reset-password#token=x');
  });

  it('should encode what could end the fragment early', () => {
    expect(links.resetPassword('a b#c')).toBe('https://app.example.org/portal/reset-password#token=a%20b%23c');
  });
});
