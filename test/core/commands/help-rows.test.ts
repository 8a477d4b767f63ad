import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {COMMANDS} from '../../../source/core/commands/command-table.js';
import {helpSections, keysForCommandLine, keysText, markdownKeyTable, readmeWithKeyTables} from '../../../source/core/commands/help-rows.js';
import {buildKeymap, defaultKeymap} from '../../../source/core/commands/keymap.js';

/** The row that lists a command (its family's row for select-window-N). */
const rowNamed = (sections: ReturnType<typeof helpSections>, name: string) => sections.flatMap(section => section.rows.map(row => ({section: section.id, ...row}))).filter(row => row.name === name);

describe('help generated from the command table', () => {
	const sections = helpSections(defaultKeymap());

	it('lists every command in the section where it applies', () => {
		for (const command of COMMANDS) {
			const rows = rowNamed(sections, command.family?.name ?? command.name);
			expect(rows.length, command.name).toBeGreaterThan(0);
			const where = new Set(rows.map(row => row.section));
			if (command.scope === 'browser') expect([...where], command.name).toEqual(['browser']);
			if (command.scope === 'session') expect([...where], command.name).toEqual(['session']);
		}
		// help has a plain key (browser) and a prefix key (sessions): it is in both.
		expect(rowNamed(sections, 'help').map(row => `${row.section}: ${keysText(row)}`)).toEqual(['browser: ?', 'session: Ctrl-b ?']);
	});

	it('writes keys as the user types them, a family as one range, and says which prefix keys work from the browser', () => {
		const line = (name: string) => keysText(rowNamed(sections, name)[0]!);
		expect(line('move-down')).toBe('j / ↓');
		expect(line('connect')).toBe('Enter');
		expect(line('clear-filter')).toBe('Esc');
		expect(line('new-window')).toBe('Ctrl-b c');
		expect(line('select-window-0 … 9')).toBe('Ctrl-b 0-9');
		expect(line('send-prefix')).toBe('Ctrl-b Ctrl-b');
		expect(sections[1]!.note).toBe('From the browser too: Ctrl-b n p 0-9 w A ?');
		expect(keysText(rowNamed(helpSections(defaultKeymap('C-a'), 'after-prefix'), 'send-prefix')[0]!)).toBe('Ctrl-a');
	});

	it('follows the user\'s bindings: moved keys, unbound commands shown as —, a broken family range listed in full', () => {
		const {keymap} = buildKeymap({prefixKey: 'C-b', overrides: {sort: 'S', 'sign-in': 'none', 'select-window-3': 'prefix F3', refresh: ['r', 'prefix R']}});
		const mine = helpSections(keymap);
		expect(keysText(rowNamed(mine, 'sort')[0]!)).toBe('S');
		expect(keysText(rowNamed(mine, 'sign-in')[0]!)).toBe('—');
		expect(keysText(rowNamed(mine, 'refresh')[0]!)).toBe('r / Ctrl-b R');
		expect(keysText(rowNamed(mine, 'select-window-0 … 9')[0]!)).toBe('Ctrl-b 0 / Ctrl-b 1 / Ctrl-b 2 / Ctrl-b F3 / Ctrl-b 4 / Ctrl-b 5 / Ctrl-b 6 / Ctrl-b 7 / Ctrl-b 8 / Ctrl-b 9');
	});

	it('gives vmux --help a line per row, with the command names settings.json uses', () => {
		const text = keysForCommandLine(defaultKeymap());
		for (const section of sections) for (const row of section.rows) expect(text).toMatch(new RegExp(`^ {4}${escapeRegExp(keysText(row))} +${escapeRegExp(row.name)} +${escapeRegExp(row.help)}$`, 'm'));
		expect(text).toContain('settings.json');
	});
});

describe("the README's key tables", () => {
	it('are the ones the command table generates (npm run readme:keys rewrites them)', () => {
		const readme = readFileSync('README.md', 'utf8');
		expect(readmeWithKeyTables(readme, defaultKeymap()), 'README.md is out of date: run npm run readme:keys').toBe(readme);
		for (const section of helpSections(defaultKeymap(), 'after-prefix')) expect(readme).toContain(markdownKeyTable(section));
	});

	it('name every command', () => {
		const readme = readFileSync('README.md', 'utf8');
		for (const command of COMMANDS) expect(readme, command.name).toContain(`| \`${command.family?.name ?? command.name}\` |`);
	});

	it('cannot lose their markers silently', () => {
		expect(() => readmeWithKeyTables('# no tables here\n', defaultKeymap())).toThrow('README.md lacks the markers');
	});
});

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
