import { Controller, Get, Param } from '@nestjs/common';

@Controller()
export class AppController {
  @Get()
  index(): { service: string } {
    return { service: 'nest-api-example' };
  }

  @Get('greet/:name')
  greet(@Param('name') name: string): { greeting: string } {
    return { greeting: `hello, ${name}` };
  }
}
