// Placeholder so the CDK app can bundle while this handler is being built; replaced by its owner.
export const handler = async (): Promise<never> => {
  throw new Error('webhook handler not implemented yet');
};
