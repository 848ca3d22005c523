/** The 11 Food-11 classes, in the dataset's own index order (file `3_12.jpg` is an Egg). */
export const food11Classes = [
  'Bread',
  'Dairy product',
  'Dessert',
  'Egg',
  'Fried food',
  'Meat',
  'Noodles/Pasta',
  'Rice',
  'Seafood',
  'Soup',
  'Vegetable/Fruit',
] as const;

/** Folder names cannot hold '/': "Noodles-Pasta", "noodles_pasta" and "Noodles/Pasta" all name one class. */
export function classIndexFromName(name: string): number | undefined {
  const key = normaliseClassName(name);
  const index = food11Classes.findIndex((c) => normaliseClassName(c) === key);
  return index < 0 ? undefined : index;
}

function normaliseClassName(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

/** A folder-safe name for a class ("Noodles/Pasta" → "Noodles-Pasta"). */
export function classFolderName(name: string): string {
  return name.replace(/\//g, '-');
}
