import type { MailMessage } from './mail-message';

interface Action {
  label: string;
  url: string;
}

interface Content {
  subject: string;
  paragraphs: string[];
  action?: Action;
  /** The closing line, usually what to do if the mail was not expected. */
  footer: string;
}

export function verificationMail(to: string, link: string, ttlSeconds: number): MailMessage {
  return render(to, {
    subject: 'Confirm your email address',
    paragraphs: [`Confirm that this address is yours. The link works once, for ${describeDuration(ttlSeconds)}.`],
    action: { label: 'Confirm email address', url: link },
    footer: 'If you did not create an account, ignore this mail: nothing happens without the link.',
  });
}

export function passwordResetMail(to: string, link: string, ttlSeconds: number): MailMessage {
  return render(to, {
    subject: 'Reset your password',
    paragraphs: [
      `Someone asked to reset the password of this account. The link works once, for ${describeDuration(ttlSeconds)}.`,
      'Setting a new password signs you out everywhere.',
    ],
    action: { label: 'Choose a new password', url: link },
    footer: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  });
}

/** Who set the new password: the owner with the old one, a mailed reset link, or an operator. */
export type PasswordChangedBy = 'change' | 'reset' | 'operator';

const PASSWORD_CHANGED_HOW: Record<PasswordChangedBy, string> = {
  change: 'was just changed',
  reset: 'was just reset through a link mailed to this address',
  operator: 'was just set by an administrator',
};

export function passwordChangedMail(to: string, by: PasswordChangedBy): MailMessage {
  return render(to, {
    subject: 'Your password was changed',
    paragraphs: [`The password of your account ${PASSWORD_CHANGED_HOW[by]}, and every session was signed out.`],
    footer: 'If this was not you, reset your password again at once and tell your administrator.',
  });
}

/** Sent when two-factor sign-in is turned off: by the owner (with password and code), or by an operator. */
export function twoFactorOffMail(to: string, by: 'owner' | 'operator'): MailMessage {
  return render(to, {
    subject: 'Two-factor sign-in was turned off',
    paragraphs: [
      by === 'owner'
        ? 'Two-factor sign-in was just turned off for your account; signing in now takes only the password.'
        : 'An administrator just turned two-factor sign-in off for your account, and every session was signed out. ' +
          'Signing in now takes only the password; turn two-factor sign-in on again from your account settings.',
    ],
    footer: 'If this was not you, reset your password at once and tell your administrator.',
  });
}

/** Sent instead of an error when someone registers an address that has an account already. */
export function registrationAttemptMail(to: string, appUrl: string): MailMessage {
  return render(to, {
    subject: 'Someone tried to register with your email address',
    paragraphs: [
      'Someone tried to create an account with this address, which has one already. No account was created.',
      'If it was you, sign in instead; if you forgot your password, you can reset it from the sign-in page.',
    ],
    action: { label: 'Go to sign-in', url: appUrl },
    footer: 'If it was not you, ignore this mail: your account is unchanged.',
  });
}

function render(to: string, content: Content): MailMessage {
  const text = [
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}: ${content.action.url}`] : []),
    content.footer,
  ].join('\n\n');
  const html = [
    ...content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(content.action
      ? [`<p><a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.label)}</a></p>`]
      : []),
    `<p>${escapeHtml(content.footer)}</p>`,
  ].join('\n');
  return {
    to,
    subject: content.subject,
    text: `${text}\n`,
    html: `<!doctype html>\n<html><body>\n${html}\n</body></html>\n`,
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** "30 minutes", "24 hours", "2 days": the lifetime in the largest whole unit. */
export function describeDuration(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [name, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${Math.max(1, Math.floor(seconds / 60))} minutes`;
}
