export {
	IP_CONNECT_DISABLED_MESSAGE,
	IP_CONNECT_PORTS_MESSAGE,
	labBastionHost,
	labBastionTlsHost,
	mountLabBastion,
	NATIVE_CLIENT_SKU_MESSAGE,
	type LabBastion,
	type LabBastionOptions,
	type LabBastionRequest,
	type LabBastionTokenInfo,
	type LabBastionTunnel,
	type LabTunnelCloseReason,
} from './tunnel.js';
