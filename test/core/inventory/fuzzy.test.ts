import * as fzf from 'fzf';
import {describe, expect, test} from 'vitest';
import {createVmFilter, filterVms, vmFieldText, type VmField, type VmMatch} from '../../../source/core/inventory/fuzzy.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';

function vm(name: string, extra: Partial<VmRecord> = {}): VmRecord {
	return {
		id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
		name,
		subscriptionId: 's',
		subscriptionName: 'Contoso Dev',
		resourceGroup: 'rg-web',
		location: 'eastus',
		powerState: 'running',
		tags: {},
		...extra,
	};
}

/** A large deterministic fleet (like the bench's), big enough that broad queries take fzf's v1 path. */
function fleet(count: number): VmRecord[] {
	let seed = 7;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
	return Array.from({length: count}, (_, i) => {
		const env = pick(['dev', 'test', 'staging', 'prod']);
		const team = pick(['payments', 'identity', 'checkout', 'Catalog', 'data']);
		const role = pick(['web', 'api', 'db', 'cache', 'kafka', 'worker']);
		return vm(`${env}-${team}-${role}-${String(i % 97).padStart(2, '0')}-${i.toString(36)}`, {
			subscriptionName: `Contoso ${team} ${env}`,
			resourceGroup: `rg-${team}-${env}`,
			privateIp: `10.${Math.floor(random() * 64)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
			tags: {env, team, ...(random() < 0.3 ? {owner: 'alice@contoso.com'} : {})},
		});
	});
}

const FIELDS: VmField[] = ['name', 'resourceGroup', 'subscription', 'ip', 'tags'];
const textOf = (record: VmRecord) => FIELDS.map(field => vmFieldText(record, field)).join('\t');

// fzf's .d.ts re-exports `extendedMatch` and its result type through extensionless paths that NodeNext cannot
// follow, so its types lose them (the function is exported at run time). Typed here for the reference finder only.
interface ReferenceResult {
	item: VmRecord;
	score: number;
	positions: Set<number>;
}
type ReferenceFinder = new (
	list: readonly VmRecord[],
	options: {selector: (vm: VmRecord) => string; match: unknown; fuzzy: 'v1' | 'v2'},
) => {find(query: string): ReferenceResult[]};
const {Fzf, extendedMatch} = fzf as unknown as {Fzf: ReferenceFinder; extendedMatch: unknown};

/** fzf itself over the same texts: scores by VM name, and positions, for one algorithm. */
function reference(vms: VmRecord[], query: string, fuzzy: 'v1' | 'v2') {
	expect(extendedMatch, 'fzf exports extendedMatch').toBeTypeOf('function');
	const finder = new Fzf(vms, {selector: textOf, match: extendedMatch, fuzzy});
	return new Map(finder.find(query).map(result => [result.item.name, {score: result.score, positions: [...result.positions].sort((a, b) => a - b)}]));
}

function scores(matches: VmMatch[]): Map<string, number> {
	return new Map(matches.map(match => [match.vm.name, match.score]));
}

/** fzf's order (score, then length, then list order), with vmux's one addition: on equal scores, a VM whose name holds every term comes first. */
function expectFzfOrder(matches: VmMatch[], vms: VmRecord[], query: string): void {
	const index = new Map(vms.map((record, i) => [record.name, i]));
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	for (let i = 1; i < matches.length; i++) {
		const [a, b] = [matches[i - 1]!, matches[i]!];
		const outsideName = (m: VmMatch) => (words.every(word => m.vm.name.toLowerCase().includes(word)) ? 0 : 1);
		const key = (m: VmMatch) => [-m.score, outsideName(m), m.vm.name.length, index.get(m.vm.name)!];
		expect(compare(key(a), key(b))).toBeLessThanOrEqual(0);
	}
}

function compare(a: number[], b: number[]): number {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
	return 0;
}

describe('fuzzy filter', () => {
	test('on equal scores a name match ranks above a match in another field', () => {
		const vms = [
			vm('jump-01', {resourceGroup: 'rg-legacy'}),
			vm('legacy-01', {resourceGroup: 'rg-legacy'}),
		];
		expect(filterVms(vms, 'legacy').map(match => match.vm.name)[0]).toBe('legacy-01');
	});

	const small = [
		vm('web-01', {privateIp: '10.1.1.4', tags: {env: 'dev', role: 'web'}}),
		vm('web-02', {privateIp: '10.1.1.5', tags: {env: 'dev', role: 'web'}}),
		vm('db-01', {resourceGroup: 'rg-data', privateIp: '10.2.1.4', tags: {env: 'dev', role: 'database'}}),
		vm('app-01', {subscriptionName: 'Contoso Prod', resourceGroup: 'rg-app', privateIp: '10.10.1.4', tags: {env: 'prod'}}),
		vm('jump-01', {subscriptionName: 'Contoso Prod', resourceGroup: 'rg-legacy', privateIp: '10.40.1.4', publicIp: '203.0.113.10', tags: {env: 'prod', role: 'jump'}}),
	];

	test('an empty query lists everything in the given order', () => {
		expect(filterVms(small, '  ').map(match => match.vm.name)).toEqual(['web-01', 'web-02', 'db-01', 'app-01', 'jump-01']);
	});

	test('matches name, resource group, subscription, IP and tags, with positions per field', () => {
		const byName = filterVms(small, 'web');
		expect(byName.map(match => match.vm.name)).toEqual(['web-01', 'web-02']);
		expect(byName[0]!.namePositions).toEqual([0, 1, 2]);

		const byGroup = filterVms(small, 'rg-legacy');
		expect(byGroup.map(match => match.vm.name)).toEqual(['jump-01']);
		expect(byGroup[0]!.positions.resourceGroup).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
		expect(byGroup[0]!.namePositions).toEqual([]);

		expect(filterVms(small, 'Contoso Prod').map(match => match.vm.name).sort()).toEqual(['app-01', 'jump-01']);
		const byIp = filterVms(small, '203.0.113');
		expect(byIp.map(match => match.vm.name)).toEqual(['jump-01']);
		expect(byIp[0]!.positions.ip).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
		expect(filterVms(small, 'role:database').map(match => match.vm.name)).toEqual(['db-01']);
	});

	test('fzf’s extended syntax: several terms, exact, prefix, suffix, negation, or', () => {
		expect(filterVms(small, 'dev web').map(match => match.vm.name)).toEqual(['web-01', 'web-02']);
		expect(filterVms(small, "'jump").map(match => match.vm.name)).toEqual(['jump-01']);
		expect(filterVms(small, '^db').map(match => match.vm.name)).toEqual(['db-01']);
		expect(filterVms(small, 'web !02').map(match => match.vm.name)).toEqual(['web-01']);
		expect(filterVms(small, '^db | ^app').map(match => match.vm.name).sort()).toEqual(['app-01', 'db-01']);
		expect(filterVms(small, 'role:jump$').map(match => match.vm.name)).toEqual(['jump-01']);
	});

	test('smart case, as fzf: lower case matches any case, upper case only itself', () => {
		const mixed = [vm('Web-Front'), vm('web-back')];
		expect(filterVms(mixed, 'web').map(match => match.vm.name).sort()).toEqual(['Web-Front', 'web-back']);
		expect(filterVms(mixed, 'Web').map(match => match.vm.name)).toEqual(['Web-Front']);
	});

	test('non-ASCII names go through fzf’s Unicode normalisation', () => {
		const accents = [vm('café-01'), vm('cafe-02'), vm('db')];
		expect(filterVms(accents, 'cafe').map(match => match.vm.name).sort()).toEqual(['cafe-02', 'café-01']);
	});

	test('small lists: exactly fzf’s v2 result, scores and order', () => {
		for (const query of ['web', '10.1', 'dev', 'prod j', 'o1']) {
			const ours = filterVms(small, query);
			const expected = reference(small, query, 'v2');
			expect(scores(ours)).toEqual(new Map([...expected].map(([name, {score}]) => [name, score])));
			expectFzfOrder(ours, small, query);
			for (const match of ours) {
				const all = FIELDS.flatMap((field, f) => {
					const start = FIELDS.slice(0, f).reduce((sum, prev) => sum + vmFieldText(match.vm, prev).length + 1, 0);
					return (match.positions[field] ?? []).map(p => p + start);
				});
				expect(all).toEqual(expected.get(match.vm.name)!.positions);
			}
		}
	});

	test('large lists, typed one character at a time: every step is fzf’s own result (v1 or v2), in fzf’s order', () => {
		const vms = fleet(3000);
		const used = {v1Only: 0, v2Only: 0};
		for (const query of ['web', 'prod db', 'rg-pay', '10.4', 'env:st', 'Catalog', 'ali', 'zzq', 'deckup40', 'eCogch20', 'prodinka271in']) {
			const filter = createVmFilter(vms);
			for (let length = 1; length <= query.length; length++) {
				const typed = query.slice(0, length).trim();
				if (!typed) continue;
				const ours = filter.filter(typed);
				const v1 = reference(vms, typed, 'v1');
				const v2 = reference(vms, typed, 'v2');
				const ourScores = scores(ours);
				// Both algorithms agree on what matches; the scores are one algorithm's throughout.
				expect([...ourScores.keys()].sort()).toEqual([...v1.keys()].sort());
				const asScores = (ref: typeof v1) => new Map([...ref].map(([name, {score}]) => [name, score]));
				const sameAsV1 = JSON.stringify([...ourScores].sort()) === JSON.stringify([...asScores(v1)].sort());
				const sameAsV2 = JSON.stringify([...ourScores].sort()) === JSON.stringify([...asScores(v2)].sort());
				expect(sameAsV1 || sameAsV2, `scores for '${typed}'`).toBe(true);
				if (sameAsV1 && !sameAsV2) used.v1Only++;
				if (sameAsV2 && !sameAsV1) used.v2Only++;
				expectFzfOrder(ours, vms, typed);
				// Highlight positions of the first rows (the ones a browser shows) are fzf's for that algorithm (either,
				// where both give the same scores but align differently).
				const refs = [...(sameAsV1 ? [v1] : []), ...(sameAsV2 ? [v2] : [])];
				for (const match of ours.slice(0, 5)) {
					const name = match.vm.name;
					const expected = refs.map(ref => JSON.stringify(ref.get(name)!.positions.filter(p => p < name.length)));
					expect(expected, `positions in ${name} for '${typed}'`).toContain(JSON.stringify(match.namePositions));
				}
			}
		}
		// Both paths were taken: broad steps scored by v1, narrow ones by v2.
		expect(used.v1Only).toBeGreaterThan(0);
		expect(used.v2Only).toBeGreaterThan(0);
	});

	test('narrowing never changes the answer: typed step by step equals a fresh search', () => {
		const vms = fleet(1500);
		const typed = createVmFilter(vms);
		for (const query of ['k', 'ka', 'kaf', 'kafka', 'kafka ', 'kafka 1', 'kafka !1', 'kafka !1 |', 'kafka']) {
			const stepwise = typed.filter(query).map(match => [match.vm.name, match.score]);
			const fresh = createVmFilter(vms).filter(query).map(match => [match.vm.name, match.score]);
			expect(stepwise, query).toEqual(fresh);
		}
	});
});
