import {test} from 'vitest';
import {runDoctor} from '../../../source/core/doctor/index.js';
import {formatDoctorReport} from '../../../source/commands/doctor.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';
import {demoProfiles} from '../../../source/lab/demo-profiles.js';
import {startLabWithClients} from '../../lab/arm/lab-clients.js';

test('scratch', async () => {
	const env = await startLabWithClients();
	const profiles = demoProfiles(buildLocalInventory(loadDemoTopology()).vms);
	for (const name of ['web-01', 'web-02', 'db-01', 'app-01', 'dev-01', 'legacy-01', 'jump-01']) {
		const profile = profiles.find(p => p.name === name);
		console.log(formatDoctorReport(await runDoctor({clients: env.clients, vm: name, profile})));
		console.log(formatDoctorReport(await runDoctor({clients: env.clients, vm: name})));
	}
	env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts'});
	console.log(formatDoctorReport(await runDoctor({clients: env.clients, vm: 'web-01', profile: profiles[0]})));
	console.log(formatDoctorReport(await runDoctor({clients: env.clients, vm: 'web-01'})));
	await env.close();
});
