import {describe, expect, test} from 'vitest';
import {loadDemoTopology, parseTopology, withoutSystemAssignedIdentity, type Topology} from '../../../source/lab/topology/index.js';

function identityOf(topology: Topology, name: string): unknown {
	return topology.resources.find(resource => resource.name === name)!.raw.identity;
}

describe('withoutSystemAssignedIdentity', () => {
	test('drops the identity block of the VMs named, and nothing else', () => {
		const demo = loadDemoTopology();
		expect(identityOf(demo, 'app-01')).toMatchObject({type: 'SystemAssigned'});
		const edited = withoutSystemAssignedIdentity(demo, ['APP-01']);
		expect(identityOf(edited, 'app-01')).toBeUndefined();
		// The topology given is left as it was, and every other resource is the same.
		expect(identityOf(demo, 'app-01')).toMatchObject({type: 'SystemAssigned'});
		expect(edited.resources.map(resource => resource.id)).toEqual(demo.resources.map(resource => resource.id));
		expect(edited.label).toMatch(/without the system-assigned identity of APP-01/);
	});

	test('keeps user-assigned identities, as az vm identity remove does', () => {
		const demo = loadDemoTopology();
		const userAssigned = {'/subscriptions/x/resourceGroups/rg-app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app': {principalId: 'p', clientId: 'c'}};
		const both = parseTopology({
			tenantId: demo.tenantId,
			subscriptions: demo.subscriptions,
			resources: demo.resources.map(resource =>
				resource.name === 'app-01' ? {...resource.raw, identity: {type: 'SystemAssigned, UserAssigned', principalId: 'p', tenantId: demo.tenantId, userAssignedIdentities: userAssigned}} : resource.raw,
			),
		});
		expect(identityOf(withoutSystemAssignedIdentity(both, ['app-01']), 'app-01')).toEqual({type: 'UserAssigned', userAssignedIdentities: userAssigned});
	});

	test('a VM that is not there is an error naming it', () => {
		expect(() => withoutSystemAssignedIdentity(loadDemoTopology(), ['nope-01'])).toThrow(/has no VM named nope-01/);
	});
});
