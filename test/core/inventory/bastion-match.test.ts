import {describe, expect, test} from 'vitest';
import {BastionMatcher} from '../../../source/core/inventory/bastion-match.js';
import type {BastionFacts, VnetFacts} from '../../../source/core/inventory/facts.js';
import {NO_BASTION_FLAGS, type BastionSku} from '../../../source/core/inventory/model.js';

const vnet = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;

function bastion(name: string, sku: BastionSku, vnetName: string, tunneling = false): BastionFacts {
	return {
		id: `/subscriptions/s/resourceGroups/rg-bas/providers/Microsoft.Network/bastionHosts/${name}`,
		name,
		sku,
		flags: {...NO_BASTION_FLAGS, enableTunneling: tunneling},
		vnetIds: [vnet(vnetName)],
	};
}

function peered(from: string, to: string, state = 'Connected'): VnetFacts {
	return {id: vnet(from), peerings: [{remoteVnetId: vnet(to), state}]};
}

describe('BastionMatcher', () => {
	test('same VNet first, with the Bastion’s group and subscription', () => {
		const matcher = new BastionMatcher([bastion('b', 'Basic', 'hub')], []);
		expect(matcher.match(vnet('hub'))).toMatchObject({name: 'b', sku: 'Basic', via: 'same-vnet', resourceGroup: 'rg-bas', subscriptionId: 's'});
		expect(matcher.match(vnet('HUB').toUpperCase().replace('/SUBSCRIPTIONS/S/', '/subscriptions/s/'))).toMatchObject({name: 'b'});
		expect(matcher.match(vnet('other'))).toBeUndefined();
		expect(matcher.match(undefined)).toBeUndefined();
	});

	test.each<BastionSku>(['Basic', 'Standard', 'Premium'])('%s serves a directly peered VNet when the peering is Connected', sku => {
		expect(new BastionMatcher([bastion('b', sku, 'hub')], [peered('spoke', 'hub')]).match(vnet('spoke'))).toMatchObject({via: 'peered-vnet', sku});
	});

	test('Developer never serves across a peering', () => {
		expect(new BastionMatcher([bastion('d', 'Developer', 'hub')], [peered('spoke', 'hub')]).match(vnet('spoke'))).toBeUndefined();
	});

	test.each(['Initiated', 'Disconnected'])('a peering that is %s does not count', state => {
		expect(new BastionMatcher([bastion('b', 'Standard', 'hub', true)], [peered('spoke', 'hub', state)]).match(vnet('spoke'))).toBeUndefined();
	});

	test('either side’s record will do (the user may read only the hub)', () => {
		expect(new BastionMatcher([bastion('b', 'Standard', 'hub')], [peered('hub', 'spoke')]).match(vnet('spoke'))).toMatchObject({via: 'peered-vnet'});
	});

	test('peering is not transitive', () => {
		const matcher = new BastionMatcher([bastion('b', 'Standard', 'hub')], [peered('spoke', 'middle'), peered('middle', 'hub')]);
		expect(matcher.match(vnet('spoke'))).toBeUndefined();
		expect(matcher.match(vnet('middle'))).toMatchObject({via: 'peered-vnet'});
	});

	test('issue 14: a peered Bastion with native client support wins over the VNet’s own Basic one, and both are choices', () => {
		const matcher = new BastionMatcher([bastion('peer', 'Premium', 'hub', true), bastion('local', 'Basic', 'spoke')], [peered('spoke', 'hub')]);
		const {choices} = matcher.serving([vnet('spoke')]);
		expect(choices.map(choice => [choice.name, choice.via])).toEqual([
			['peer', 'peered-vnet'],
			['local', 'same-vnet'],
		]);
		expect(matcher.match(vnet('spoke'))).toMatchObject({name: 'peer'});
	});

	test('the order: native client first, then Premium over Standard, then the own VNet over a peered one, then the name', () => {
		const matcher = new BastionMatcher(
			[
				bastion('a-basic', 'Basic', 'spoke'),
				bastion('b-std-off', 'Standard', 'spoke'),
				bastion('c-std', 'Standard', 'hub1', true),
				bastion('d-prem', 'Premium', 'hub2', true),
				bastion('e-std-own', 'Standard', 'spoke', true),
				bastion('f-dev', 'Developer', 'spoke'),
			],
			[peered('spoke', 'hub1'), peered('spoke', 'hub2')],
		);
		expect(matcher.serving([vnet('spoke')]).choices.map(choice => choice.name)).toEqual(['d-prem', 'e-std-own', 'c-std', 'f-dev', 'b-std-off', 'a-basic']);
	});

	test('issue 14: the primary NIC decides; a Bastion only in a secondary NIC’s VNet is offered as the secondary one', () => {
		const matcher = new BastionMatcher([bastion('mgmt', 'Standard', 'mgmt', true)], []);
		expect(matcher.serving([vnet('front'), vnet('mgmt')])).toMatchObject({choices: [], secondary: {bastion: {name: 'mgmt'}, vnetId: vnet('mgmt')}});
		expect(matcher.serving([vnet('mgmt'), vnet('front')])).toEqual({choices: [expect.objectContaining({name: 'mgmt'})]});
	});

	test('returned refs are copies: flags cannot be changed through one VM', () => {
		const matcher = new BastionMatcher([bastion('b', 'Standard', 'hub', true)], []);
		const first = matcher.match(vnet('hub'))!;
		first.flags.enableTunneling = false;
		expect(matcher.match(vnet('hub'))!.flags.enableTunneling).toBe(true);
	});
});
