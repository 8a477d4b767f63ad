import {readFileSync} from 'node:fs';
import {expect, it} from 'vitest';
import {AUTH_TYPES, TRANSPORT_KINDS} from '../../../source/core/profiles/schema.js';
import {checkProfileAgainstSku} from '../../../source/core/profiles/sku.js';
import {validateProfilesText} from '../../../source/core/profiles/validate.js';

const path = new URL('../../../profiles.example.json', import.meta.url);

it('profiles.example.json is valid and shows every auth type and transport', () => {
	const result = validateProfilesText(readFileSync(path, 'utf8'), 'profiles.example.json');
	expect(result.problems).toEqual([]);
	const profiles = result.profiles;
	expect(new Set(profiles.map(p => p.auth.type))).toEqual(new Set(AUTH_TYPES));
	expect(new Set(profiles.map(p => p.transport.kind))).toEqual(new Set(TRANSPORT_KINDS));

	const standard = profiles.find(p => p.transport.kind === 'bastion' && p.transport.sku === 'Standard' && p.target.kind === 'azure-vm');
	expect(standard?.port).toBe(2222);
	expect(profiles.some(p => p.transport.kind === 'bastion' && p.transport.sku === 'Developer')).toBe(true);
	const via = profiles.flatMap(p => (p.transport.kind === 'jump' ? [p.transport.via] : []));
	expect(via).toHaveLength(1);
	expect(profiles.some(p => p.name === via[0])).toBe(true);
	expect(profiles.some(p => p.transport.kind === 'direct')).toBe(true);

	// Nothing in the example needs fixing: only notices (Developer's one session, Premium's recording).
	const severities = profiles.flatMap(p => checkProfileAgainstSku(p)).map(problem => `${problem.severity}:${problem.code}`);
	expect(severities.sort()).toEqual(['info:session-recording', 'info:single-session']);
});
