import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {Box} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {StyledText, Text} from '../../../source/app/components/SafeText.js';

afterEach(() => cleanup());

const EVIL = 'evil\x1b]52;c;SGVsbG8=\x07\x1b]0;PWNED\x07\u202e\x9b2J';

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap(name => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
	});
}

describe('SafeText', () => {
	it('draws string children, nested ones and numbers as plain text', () => {
		const {lastFrame} = render(
			<Box flexDirection="column">
				<Text>{EVIL}</Text>
				<Text color="green">
					name: {EVIL} <Text bold>{EVIL}</Text> {42}
				</Text>
			</Box>,
		);
		const frame = lastFrame() ?? '';
		expect(frame).not.toMatch(/\x1b[\]P_^X]|\x9b|\x9d|\u202e|\x07/);
		expect(frame).toContain('evil');
		expect(frame).toContain('42');
	});

	it('StyledText draws each run as plain text with its style, and a line break in a run as a space', () => {
		const {lastFrame} = render(
			<StyledText
				segments={[
					{text: '▸ '},
					{text: EVIL, bold: true},
					{text: 'db', color: 'yellow', underline: true},
					{text: '\r\nrunning', color: 'green'},
				]}
			/>,
		);
		const frame = lastFrame() ?? '';
		expect(frame).not.toMatch(/\x1b[\]P_^X]|\x9b|\x9d|\u202e|\x07/);
		// Only SGR styles may remain (chalk draws none under the test runner: the styles are checked in a real pty,
		// test/e2e/demo-browser.test.ts, underlined matches).
		expect(frame.replace(/\x1b\[[\d;]*m/g, '')).toBe('▸ evildb running');
	});

	it('keeps line breaks in a message', () => {
		const {lastFrame} = render(<Text>{'first line\r\nsecond\x1b[2J line'}</Text>);
		expect(lastFrame()).toBe('first line\nsecond line');
	});

	it('is the only Text the app uses: no module under source/app imports Text from ink', () => {
		const root = join(import.meta.dirname, '../../../source/app');
		const offenders = sourceFiles(root).filter(file => {
			if (file.endsWith('SafeText.tsx')) return false;
			const imports = [...readFileSync(file, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'ink'/g)];
			return imports.some(match => match[1]!.split(',').some(name => name.trim().split(/\s+as\s+/)[0] === 'Text'));
		});
		expect(offenders.map(file => relative(root, file))).toEqual([]);
	});
});
