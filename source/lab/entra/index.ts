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
