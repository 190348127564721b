/** Input checks for the machine routes: pure functions, one message per field. */

export class InputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface NewVm {
  projectId: number;
  imageName: string;
  flavorName: string;
  vmName: string;
}

export type VmAction = 'stop' | 'resume';

const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_PROJECT_ID = 2_147_483_647;

function field(body: unknown, name: string): unknown {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null || value === '') throw new InputError(`"${name}" is required.`, name);
  if (Array.isArray(value)) throw new InputError(`"${name}" must be given once.`, name);
  return value;
}

function text(body: unknown, name: string, max: number): string {
  const value = field(body, name);
  if (typeof value !== 'string' || value.length > max || value.trim() === '' || CONTROL.test(value)) {
    throw new InputError(`"${name}" must be 1 to ${max} characters, without control characters.`, name);
  }
  return value;
}

/** The body of `POST /api/vms/` (form-urlencoded or JSON). */
export function parseNewVm(body: unknown): NewVm {
  const project = field(body, 'project_id');
  const projectId = typeof project === 'number' ? project : typeof project === 'string' && /^\d{1,10}$/.test(project) ? Number(project) : NaN;
  if (!Number.isInteger(projectId) || projectId < 1 || projectId > MAX_PROJECT_ID) throw new InputError('"project_id" must be a positive integer.', 'project_id');
  const vmName = field(body, 'vm_name');
  if (typeof vmName !== 'string' || !VM_NAME.test(vmName)) {
    throw new InputError('"vm_name" must be 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or a digit.', 'vm_name');
  }
  return { projectId, imageName: text(body, 'image_name', 128), flavorName: text(body, 'flavor_name', 64), vmName };
}

/** The body of `POST /api/vms/{id}/action/`. */
export function parseAction(body: unknown): VmAction {
  const action = field(body, 'os_action');
  if (action !== 'stop' && action !== 'resume') throw new InputError('"os_action" must be "stop" or "resume".', 'os_action');
  return action;
}

/** A machine id from the path, or null when it cannot be one (answered 404). */
export function parseVmId(value: string): number | null {
  if (!/^\d{1,10}$/.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= MAX_PROJECT_ID ? id : null;
}
