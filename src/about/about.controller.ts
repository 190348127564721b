import { Controller, Get } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { one } from '../common/envelope.js';
import { ApiData } from '../common/openapi.js';
import { Select, type Shape } from '../common/selection.js';
import { AboutService, type AboutView } from './about.service.js';
import { AboutViewDto } from './dto/about-view.dto.js';

const ABOUT_SHAPE: Shape<AboutView> = {
  installationId: true, installationDate: true, serverVersion: true, actualVawVersion: true, actualValVersion: true, actualVamVersion: true,
};

@Controller('about')
export class AboutController {
  constructor(private readonly about: AboutService) {}

  /** Only the Portal Administrator holds `about:read`, as VSPC admits only provider administrators. */
  @Get()
  @ApiData(AboutViewDto)
  @Select(ABOUT_SHAPE)
  @Access({ permission: 'about:read', ownable: false })
  async get() {
    return one(await this.about.about());
  }
}
