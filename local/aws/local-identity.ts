/** The account and region every local ARN and queue URL is built from. */
export const localAccountId = '000000000000';
export const localRegion = 'us-east-1';
