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

	test('a same-VNet Bastion wins over a peered one; among several, one vmux can tunnel through', () => {
		const same = new BastionMatcher([bastion('peer', 'Premium', 'hub', true), bastion('local', 'Basic', 'spoke')], [peered('spoke', 'hub')]);
		expect(same.match(vnet('spoke'))).toMatchObject({name: 'local', via: 'same-vnet'});
		const several = new BastionMatcher([bastion('a-basic', 'Basic', 'hub1'), bastion('z-std', 'Standard', 'hub2', true)], [peered('spoke', 'hub1'), peered('spoke', 'hub2')]);
		expect(several.match(vnet('spoke'))).toMatchObject({name: 'z-std'});
	});

	test('returned refs are copies: flags cannot be changed through one VM', () => {
		const matcher = new BastionMatcher([bastion('b', 'Standard', 'hub', true)], []);
		const first = matcher.match(vnet('hub'))!;
		first.flags.enableTunneling = false;
		expect(matcher.match(vnet('hub'))!.flags.enableTunneling).toBe(true);
	});
});
