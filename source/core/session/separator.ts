/**
 * The notes vmux writes into a session's own terminal (a drop, a refusal, a reconnect), so they scroll
 * with the history. Each line is wrapped to the pane's width here, at spaces, and ends with its own reset
 * and CRLF: no decoration trails the text, so nothing (e.g. a lone "────") can wrap onto a line of its own.
 */

const RULE = '────';

export interface SeparatorBlock {
	/** A few words for the rule line, e.g. "disconnected 12:03:04". */
	title: string;
	/** Sentences shown in full below the rule, wrapped to the width. */
	body?: string[];
	/** SGR parameters for the whole block, e.g. '33' (yellow), '2' (dim). */
	style: string;
	cols: number;
}

export function separatorBlock({title, body = [], style, cols}: SeparatorBlock): string {
	const width = Math.max(1, cols);
	const rule = fitRule(clean(title), width);
	const lines = [rule, ...body.flatMap(paragraph => wrap(clean(paragraph), width))];
	return `\r\n${lines.map(line => `\x1b[0;${style}m${line}\x1b[0m\r\n`).join('')}`;
}

/** Control characters in a message (ESC from a server's text) would act on the terminal: shown as spaces. */
function clean(text: string): string {
	return [...text].map(char => (isControl(char.codePointAt(0) ?? 0) ? ' ' : char)).join('');
}

function isControl(code: number): boolean {
	return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** `──── title ────` when it fits, else as much of `──── title` as fits: the rule never wraps. */
function fitRule(title: string, width: number): string {
	const full = `${RULE} ${title} ${RULE}`;
	if ([...full].length <= width) return full;
	return [...`${RULE} ${title}`].slice(0, width).join('');
}

/** Wraps at spaces; a word longer than the width (a long path) is cut into width-sized pieces. */
export function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line: string[] = [];
	for (const word of text.split(/ +/).filter(Boolean)) {
		let chars = [...word];
		const needed = line.length === 0 ? chars.length : line.length + 1 + chars.length;
		if (needed <= width) {
			line = line.length === 0 ? chars : [...line, ' ', ...chars];
			continue;
		}
		if (line.length > 0) lines.push(line.join(''));
		while (chars.length > width) {
			lines.push(chars.slice(0, width).join(''));
			chars = chars.slice(width);
		}
		line = chars;
	}
	if (line.length > 0) lines.push(line.join(''));
	return lines;
}
