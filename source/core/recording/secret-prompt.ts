/**
 * Whether the remote is asking for a secret it will not echo. The remote's terminal modes (echo off) never
 * cross SSH, so vmux guesses from what it can see: the text before the cursor on the cursor's row ends like a
 * password prompt ("Password:", "[sudo] password for alice:", "Enter passphrase for key '…':", "Verification
 * code:", "PIN:"). While it does, typed input is not recorded. A prompt that says none of these words (or a
 * program that turns echo off silently) is not recognised: recordInput is off by default for that reason.
 */
const SECRET_PROMPT = /(pass(word|phrase|code)|\bpin\b|verification code|one[- ]time|\botp\b|token|secret)[^\n]{0,80}[:?>]\s*$/i;

export function looksLikeSecretPrompt(textBeforeCursor: string): boolean {
	return SECRET_PROMPT.test(textBeforeCursor.slice(-200));
}
