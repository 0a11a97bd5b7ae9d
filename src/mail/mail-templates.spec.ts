import {
  describeDuration,
  passwordChangedMail,
  passwordResetMail,
  registrationAttemptMail,
  verificationMail,
} from './mail-templates';

describe('mail templates', () => {
  const link = 'https://app.example.org/verify-email#token=abc_DEF-123';

  it('should carry the link in both the text and the HTML body', () => {
    const mail = verificationMail('ada@example.org', link, 86400);

    expect(mail).toMatchObject({ to: 'ada@example.org', subject: 'Confirm your email address' });
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain('for 1 day');
  });

  it('should escape what it puts into HTML', () => {
    const mail = registrationAttemptMail('ada@example.org', 'https://app.example.org/?a=1&b="<x>"');

    expect(mail.html).toContain('href="https://app.example.org/?a=1&#38;b=&#34;&#60;x&#62;&#34;"');
    expect(mail.html).not.toContain('<x>');
  });

  it('should say how long a reset link works', () => {
    expect(passwordResetMail('ada@example.org', link, 1800).text).toContain('for 30 minutes');
  });

  it.each([
    ['change' as const, 'was just changed,'],
    ['reset' as const, 'was just reset through a link mailed to this address,'],
    ['operator' as const, 'was just set by an administrator,'],
  ])('should say how the password was changed (%s), in both bodies', (by, words) => {
    const mail = passwordChangedMail('ada@example.org', by);

    expect(mail.subject).toBe('Your password was changed');
    expect(mail.text).toContain(words);
    expect(mail.html).toContain(words);
  });

  it.each([
    [60, '1 minute'],
    [1800, '30 minutes'],
    [3600, '1 hour'],
    [86400, '1 day'],
    [2 * 86400, '2 days'],
    [5400, '90 minutes'],
  ])('should describe %i s as %p', (seconds, words) => {
    expect(describeDuration(seconds)).toBe(words);
  });
});
