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
