export { transform } from './engine';
export { selectContextFiles } from './context';
export { DockerizeError } from './errors';
export type { BuildContext, Note, Skip, Target, TransformOptions, TransformResult } from './types';
