/**
 * Text from a user's file made safe and short for a one-line message: control characters (escape sequences
 * could drive the terminal), byte order marks and other invisible characters are shown as \u{…} escapes, and
 * long text is cut, so a 50 MB name costs a message of a few dozen characters.
 */
// C0/C1 controls, DEL, zero-width and bidi controls, line/paragraph separators, BOM.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g;

export function printable(text: string, maxLength = 60): string {
	// Cut before escaping so the work is bounded by maxLength, not by the input.
	const cut = text.length > maxLength ? `${text.slice(0, Math.max(1, maxLength - 3))}...` : text;
	return cut.replace(INVISIBLE, char => `\\u{${char.codePointAt(0)!.toString(16).padStart(4, '0')}}`);
}
