/**
 * The invitation email a new member receives, with Cognito's placeholders: `{username}` (the email address) and
 * `{####}` (the temporary password). The user pool in AWS sends it through SES (cdk/constructs/user-directory.ts);
 * the local stack fills the same placeholders and sends it to the mail catcher, so both read alike.
 */
export const INVITATION_MESSAGE = {
  subject: 'You are invited to PromptPulse',
  body:
    'You have been invited to a PromptPulse workspace.\n\n' +
    'Sign in with your email address {username} and the temporary password {####}\n' +
    'You will choose your own password at the first sign-in. The temporary password works for 3 days; after that, ' +
    'ask the person who invited you to send a new invitation.',
} as const;

/** The message with its placeholders filled, as Cognito does before sending. */
export function invitationMail(email: string, temporaryPassword: string): { subject: string; text: string } {
  return {
    subject: INVITATION_MESSAGE.subject,
    text: INVITATION_MESSAGE.body.replace('{username}', email).replace('{####}', temporaryPassword),
  };
}
