export {
	DEVICE_CODE_GRANT,
	LAB_AZURE_CLI_CLIENT_ID,
	MSAL_DEVICE_CODE_GRANT,
	mountLabEntra,
	type LabDeviceCode,
	type LabDeviceCodeStatus,
	type LabEntra,
	type LabEntraOptions,
	type LabEntraRequest,
} from './device-code.js';
export {createLabSshCa, PERMIT_EXTENSIONS, type LabSshCa} from './ssh-ca.js';
export {SSH_CERT_TOKEN_TYPE} from './ssh-cert-grant.js';
export {CLIENT_CREDENTIALS_GRANT, type LabConfidentialClient} from './client-credentials.js';
