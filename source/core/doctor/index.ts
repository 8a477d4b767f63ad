/** `vmux doctor`: why a VM cannot be reached through its Bastion, one check per prerequisite. */
export {runDoctor, type DoctorOptions} from './run-doctor.js';
export {CHECK_ORDER, CHECK_TITLES, STATUS_SYMBOLS, type CheckId, type CheckStatus, type DoctorBastion, type DoctorCheck, type DoctorReport, type DoctorVm} from './types.js';
export {ENTRA_EXTENSION} from './auth.js';
export {isVmId} from './vm.js';
