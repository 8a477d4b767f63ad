import chalk, {type ForegroundColorName} from 'chalk';
import {Children, type ReactNode} from 'react';
import {Text as InkText, type TextProps} from 'ink';
import {displayText} from '../../core/text/display-text.js';

/**
 * Ink's `<Text>` with every string child passed through `displayText` first, so a VM name, tag, server
 * message or error carrying escape sequences or bidi controls is drawn as plain text and never reaches the
 * user's terminal as a command (clipboard, title, erase…). Every view imports `Text` from here, not from
 * 'ink' (test/app/components/safe-text.test.ts checks that), which makes this the one place strings enter
 * Ink. Line breaks are kept: views lay out multi-line messages with them; single-line fields (table cells,
 * names) are flattened where they are built.
 */
export function Text({children, 'aria-label': ariaLabel, ...props}: TextProps) {
	// Screen-reader mode draws the label instead of the children.
	const label = ariaLabel === undefined ? undefined : displayText(ariaLabel);
	return (
		<InkText {...props} aria-label={label}>
			{sanitizeChildren(children)}
		</InkText>
	);
}

function sanitizeChildren(children: ReactNode): ReactNode {
	if (typeof children === 'string') return displayText(children, {multiline: true});
	if (!Array.isArray(children)) return children;
	return Children.map(children, child => (typeof child === 'string' ? displayText(child, {multiline: true}) : child));
}

/** One run of a styled line: its text (made safe here) and how it is drawn. */
export interface StyledSegment {
	text: string;
	color?: ForegroundColorName | undefined;
	bold?: boolean;
	underline?: boolean;
}

/**
 * One line of several styled runs as a single Ink text: each run's text passes through `displayText`, then gets its
 * style as Ink's own nested `<Text>` would (chalk, colour inside the modifiers), so the screen is the same as with
 * nested Texts. For rows drawn by the hundred (the VM list): one element and one Ink text node per row instead of
 * one per run, which made React's share of a keystroke as large as the filter's.
 */
export function StyledText({segments, ...props}: Omit<TextProps, 'children'> & {segments: readonly StyledSegment[]}) {
	let line = '';
	for (const segment of segments) line += styleSegment(segment);
	return <InkText {...props}>{line}</InkText>;
}

function styleSegment(segment: StyledSegment): string {
	let text = displayText(segment.text);
	if (text === '') return '';
	if (segment.color) text = chalk[segment.color](text);
	if (segment.bold) text = chalk.bold(text);
	if (segment.underline) text = chalk.underline(text);
	return text;
}
