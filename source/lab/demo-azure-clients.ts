import {ClientSecretCredential} from '@azure/identity';
import {createArmClients, type ArmClients} from '../core/azure/clients.js';
import {identityClientOptions} from '../core/azure/credentials.js';
import {labCloud} from './cloud.js';
import type {DemoAzureConnection} from './demo-azure-servers.js';

/**
 * The app's real SDK clients pointed at the demo's Azure stand-ins. The lab is a custom cloud, and the demo signs
 * in to it as a service principal would to any cloud: a client secret over HTTPS to the cloud's Entra, with the
 * options vmux's own sign-in chain uses for that cloud.
 */
export function demoAzureClients(connection: DemoAzureConnection): ArmClients {
	const cloud = labCloud(connection.url, connection.ca);
	const credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.secret, {
		...identityClientOptions(cloud),
		additionallyAllowedTenants: ['*'],
	});
	return createArmClients({cloud, credential});
}

