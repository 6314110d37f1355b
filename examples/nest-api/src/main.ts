import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  // Stop cleanly on SIGTERM (docker stop): node as PID 1 has no default handler.
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3004), '0.0.0.0');
}
void bootstrap();
