/**
 * OSC 52: asks the user's terminal to put text on its clipboard (`ESC ] 52 ; c ; <base64> BEL`). It works
 * over ssh and inside tmux with `set-clipboard on`, where no local clipboard program can reach.
 */

/** The most text sent this way: terminals drop longer sequences (xterm and hterm stop near 100 000 base64 bytes). */
export const OSC52_MAX_BYTES = 74_994;

/** The sequence putting `text` on the clipboard, or undefined when it is too long for terminals to take. */
export function osc52Sequence(text: string): string | undefined {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length > OSC52_MAX_BYTES) return undefined;
	return `\x1b]52;c;${bytes.toString('base64')}\x07`;
}
