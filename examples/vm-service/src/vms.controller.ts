import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { LatchkeySubject, Public, RequirePermissions, type VerifiedSubject } from '@latchkey/nest';
import { apiError } from './errors.js';
import { InputError, parseAction, parseNewVm, parseVmId } from './vm-input.js';
import type { Vm } from './vm-store.js';
import { VmsService } from './vms.service.js';

function input<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError) throw apiError(400, error.message, error.field);
    throw error;
  }
}

function bounded(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) > max) throw apiError(400, `"${name}" must be an integer from 0 to ${max}.`, name);
  return Number(value);
}

/** SimpleVM's machine routes: list with `vm:read`; create, stop and resume with `vm:write`. */
@Controller('api/vms')
export class VmsController {
  constructor(@Inject(VmsService) private readonly vms: VmsService) {}

  @Get()
  @RequirePermissions('vm:read')
  list(@LatchkeySubject() subject: VerifiedSubject | undefined, @Query('limit') limit?: string, @Query('offset') offset?: string): Vm[] {
    return this.vms.list(subject, bounded(limit, 'limit', 100, 500), bounded(offset, 'offset', 0, 1_000_000));
  }

  @Post()
  @HttpCode(201)
  @RequirePermissions('vm:write')
  create(@LatchkeySubject() subject: VerifiedSubject | undefined, @Body() body: unknown): Vm {
    return this.vms.create(subject, input(() => parseNewVm(body)));
  }

  @Post(':id/action')
  @HttpCode(200)
  @RequirePermissions('vm:write')
  act(@LatchkeySubject() subject: VerifiedSubject | undefined, @Param('id') id: string, @Body() body: unknown): Vm {
    const vmId = parseVmId(id);
    if (vmId === null) throw apiError(404, 'Machine was not found.');
    return this.vms.act(subject, vmId, input(() => parseAction(body)));
  }
}

@Controller('health')
@Public()
export class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
