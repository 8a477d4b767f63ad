/**
 * What to tell the user about a Bastion's 401/403, from what its body says. A 403 is not always about who you are:
 * Azure's Bastion also answers 403 when native client support is off, when IP-based connection is off or the port is
 * not allowed, and when the VM is not reachable from that Bastion. "Check your sign-in and Reader role" is right
 * only for the first kind; for the others it sends the user after a role they already have.
 */

/** Bodies that name a Bastion setting or the network, not the caller's rights. */
const NOT_AUTHORIZATION: Array<{pattern: RegExp; hint: (bastion: string) => string}> = [
	{
		pattern: /native client/i,
		hint: bastion => ` Native client support is off on ${bastion} (or its SKU is below Standard): enable it (az network bastion update --enable-tunneling true), or connect through another Bastion.`,
	},
	{
		pattern: /ip ?connect|custom ports are not allowed|allowed ports/i,
		hint: bastion => ` ${bastion} does not allow this IP-based connection: it needs IP-based connection enabled (az network bastion update --enable-ip-connect true) and port 22 or 3389.`,
	},
	{
		pattern: /not reachable|unreachable|cannot reach|could not reach|not connected/i,
		hint: bastion => ` ${bastion} cannot reach the VM: it must sit in the VM's virtual network or in one peered with it and Connected (vmux doctor checks the peering).`,
	},
];

/** Words an authorization refusal uses (ARM's AuthorizationFailed, expired or wrong-tenant tokens, RBAC). */
const AUTHORIZATION = /authori[sz]|permission|access (is )?denied|forbidden|token|role|rbac|not allowed|credential|sign[- ]?in|tenant/i;

export function bastionRefusalHint(status: number, message: string, bastion: string): string {
	if (status !== 401 && status !== 403) return '';
	for (const {pattern, hint} of NOT_AUTHORIZATION) if (pattern.test(message)) return hint(bastion);
	// A bare 403 says nothing: the likeliest cause is still the caller's rights.
	if (status === 401 || message.trim() === '' || AUTHORIZATION.test(message)) {
		return ' Check that your Azure sign-in is current and that you have the Reader role on the VM, its NIC and the Bastion.';
	}
	return '';
}
