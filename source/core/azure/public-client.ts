/**
 * Facts about the public client vmux signs in as, in a module of their own so the lab and the Entra sign-in can
 * name them without loading @azure/identity.
 */

/** The Azure CLI's public client id (contracts §4.3): vmux signs in as it, as `az login --use-device-code` does. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** What a device-code sign-in shows the user. */
export interface DeviceCodePrompt {
	/** Where the user signs in (e.g. https://microsoft.com/devicelogin). */
	url: string;
	code: string;
	/** Entra's full instruction sentence. */
	message: string;
}
