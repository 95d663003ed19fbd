import { type DocumentNode, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

/**
 * Schema coordinates of deprecated fields, arguments and enum values a document uses, e.g.
 * "Customer.email", "QueryRoot.webhookSubscriptions(callbackUrl:)", "CustomerSortKeys.X".
 */
export function deprecatedUsages(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field?.deprecationReason && parent) found.add(`${parent.name}.${field.name}`);
      },
      Argument() {
        const argument = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (argument?.deprecationReason && field && parent) {
          found.add(`${parent.name}.${field.name}(${argument.name}:)`);
        }
      },
      EnumValue() {
        const value = typeInfo.getEnumValue();
        const type = typeInfo.getInputType();
        if (value?.deprecationReason && type)
          found.add(`${String(type).replace(/[![\]]/g, '')}.${value.name}`);
      },
    }),
  );
  return [...found];
}
