/** Issue 8: settings.json edited by hand while vmux runs is never overwritten from memory. */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {SettingsStore, SettingsStoreError} from '../../../source/core/profiles/settings-store.js';
import {SUB, tempDir} from './helpers.js';

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
	({dir, cleanup} = tempDir('vmux-settings-'));
	mkdirSync(dir, {recursive: true});
	file = join(dir, 'settings.json');
});
afterEach(() => cleanup());

describe('SettingsStore', () => {
	it('accepts a UTF-8 byte order mark, as for profiles.json', () => {
		writeFileSync(file, '\uFEFF{"prefixKey": "C-a"}\n');
		const store = new SettingsStore(dir);
		expect(store.problems).toEqual([]);
		expect(store.settings.prefixKey).toBe('C-a');
	});

	it('names an invisible character in a broken file as an escape, never raw', () => {
		writeFileSync(file, '{"prefixKey": "C-a",\u200b}');
		const store = new SettingsStore(dir);
		expect(store.problems).toHaveLength(1);
		expect(store.problems[0]).toContain(`${file} is not valid JSON`);
		expect(store.problems[0]).not.toMatch(/[\u200b\ufeff]/);
	});

	it('reads entraCertificateSource from the file, and a bad value is reported with defaults in force', () => {
		writeFileSync(file, '{"entraCertificateSource": "cli"}\n');
		expect(new SettingsStore(dir).settings.entraCertificateSource).toBe('cli');
		writeFileSync(file, '{"entraCertificateSource": "browser"}\n');
		const store = new SettingsStore(dir);
		expect(store.settings.entraCertificateSource).toBe('auto');
		expect(store.problems).toEqual([expect.stringContaining(`entraCertificateSource is "browser"; expected one of "auto"`)]);
		writeFileSync(file, '{}\n');
		store.update({entraCertificateSource: 'device-code'});
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({entraCertificateSource: 'device-code'});
	});

	it('keeps a key edited by hand while vmux ran, changing only the one it sets', () => {
		writeFileSync(file, '{"prefixKey": "C-a"}\n');
		const store = new SettingsStore(dir);
		// The user edits the file while vmux runs.
		writeFileSync(file, '{"prefixKey": "C-a", "maxFps": 12}\n');
		store.update({selectedSubscriptions: [SUB]});
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({prefixKey: 'C-a', maxFps: 12, selectedSubscriptions: [SUB]});
		expect(store.settings.maxFps).toBe(12);
		expect(store.settings.selectedSubscriptions).toEqual([SUB]);
	});

	it('does not write the defaults into a file that had none', () => {
		const store = new SettingsStore(dir);
		store.update({selectedSubscriptions: [SUB]});
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({selectedSubscriptions: [SUB]});
	});

	it('refuses to save over a half-edited file, naming it, and leaves it byte for byte', () => {
		writeFileSync(file, '{"prefixKey": "C-a"}\n');
		const store = new SettingsStore(dir);
		const half = Buffer.from('{"prefixKey": "C-a", "maxF');
		writeFileSync(file, half);
		let error: unknown;
		try {
			store.update({selectedSubscriptions: [SUB]});
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(SettingsStoreError);
		expect((error as Error).message).toContain(`${file} is not valid JSON`);
		expect((error as Error).message).toContain('Fix the file, then try again.');
		expect(readFileSync(file).equals(half)).toBe(true);
		expect(store.settings.selectedSubscriptions).toEqual([]);
	});

	it('refuses to save over a file that parses but breaks the schema', () => {
		writeFileSync(file, '{}\n');
		const store = new SettingsStore(dir);
		const bad = Buffer.from('{"maxFps": "fast"}\n');
		writeFileSync(file, bad);
		expect(() => store.update({selectedSubscriptions: [SUB]})).toThrow(/maxFps is "fast"; expected a whole number of frames per second/);
		expect(readFileSync(file).equals(bad)).toBe(true);
	});

	it('saves again once the file is fixed, without a restart', () => {
		writeFileSync(file, '{"prefixKey": ');
		const store = new SettingsStore(dir);
		expect(store.problems).toHaveLength(1);
		writeFileSync(file, '{"prefixKey": "C-a"}');
		store.update({selectedSubscriptions: [SUB]});
		expect(store.problems).toEqual([]);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({prefixKey: 'C-a', selectedSubscriptions: [SUB]});
	});
});
