import {useReducer, useRef} from 'react';
import {useInput} from 'ink';
import {Text} from './SafeText.js';

/**
 * A masked one-line input for passwords and passphrases. The value lives in a ref, not in render state:
 * a pasted password followed by Enter arrives as many keys before the next render, and Enter must submit
 * all of them (@inkjs/ui's PasswordInput submits the value of its last render).
 */
export function MaskedInput({
	onSubmit,
	isActive = true,
	reveal = false,
	initial = '',
	maxLength = Number.POSITIVE_INFINITY,
}: {
	onSubmit(value: string): void;
	isActive?: boolean;
	/** Shows the text itself (a name, not a secret). */
	reveal?: boolean;
	initial?: string;
	maxLength?: number;
}) {
	const value = useRef(initial);
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useInput(
		(input, key) => {
			if (key.return) return onSubmit(value.current);
			if (key.backspace || key.delete) value.current = value.current.slice(0, -1);
			else if (key.ctrl && input === 'u') value.current = '';
			else if (input && !key.ctrl && !key.meta && !key.escape && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow)
				value.current = [...(value.current + input)].slice(0, maxLength).join('');
			else return;
			redraw();
		},
		{isActive},
	);
	return (
		<Text>
			{reveal ? value.current : '*'.repeat(value.current.length)}
			<Text inverse> </Text>
		</Text>
	);
}
