import {describe, expect, it} from 'vitest';
import {parseImport} from '../../../source/core/profiles/import-export.js';
import {validateProfilesText} from '../../../source/core/profiles/validate.js';
import {profile} from './helpers.js';

const doc = (profiles: unknown[]) => JSON.stringify({version: 1, profiles});

describe('validateProfilesText', () => {
	it('treats a blank file as no profiles, and ignores a UTF-8 BOM', () => {
		expect(validateProfilesText(' \n', 'p.json')).toMatchObject({problems: [], profiles: []});
		expect(validateProfilesText(`\uFEFF${doc([profile()])}`, 'p.json').profiles).toHaveLength(1);
	});

	it('explains a document that is not a profiles file', () => {
		expect(validateProfilesText('"hello"', 'p.json').problems).toEqual([
			'p.json: found "hello"; expected a profiles file: a JSON object like {"version": 1, "profiles": [...]}.',
		]);
		expect(validateProfilesText('{"version": 1, "profiles": [], "extra": true}', 'p.json').problems).toEqual([
			'p.json: extra is not a field vmux knows: remove it or check its spelling.',
		]);
	});

	it('reports duplicate names, unknown jump hosts and jump loops, each once', () => {
		const problems = validateProfilesText(
			doc([
				profile({name: 'a', transport: {kind: 'jump', via: 'b'}}),
				profile({name: 'b', transport: {kind: 'jump', via: 'a'}}),
				profile({name: 'c', transport: {kind: 'jump', via: 'ghost'}}),
				profile({name: 'a', transport: {kind: 'direct'}}),
			]),
			'p.json',
		).problems;
		expect(problems).toEqual([
			'p.json: Profile "a" (profiles[3]): name is "a"; expected a name no other profile uses (profiles[0] is also "a").',
			'p.json: Profile "a" (profiles[0]): transport.via "b" leads back to "a" through jump hosts; expected a chain of jump hosts that ends in a direct or Bastion transport.',
			'p.json: Profile "b" (profiles[1]): transport.via "a" leads back to "b" through jump hosts; expected a chain of jump hosts that ends in a direct or Bastion transport.',
			'p.json: Profile "c" (profiles[2]): transport.via is "ghost", but no profile has that name; expected the name of a saved profile to jump through.',
		]);
	});

	it('lets an import jump through a profile that is already saved', () => {
		const text = doc([profile({name: 'db-01', transport: {kind: 'jump', via: 'jump-01'}})]);
		expect(parseImport(text, 'in.json').ok).toBe(false);
		expect(parseImport(text, 'in.json', ['jump-01'])).toMatchObject({ok: true, profiles: [{name: 'db-01'}]});
	});
});
