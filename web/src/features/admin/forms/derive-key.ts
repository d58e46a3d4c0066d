/**
 * Keys, slugs and record prefixes follow from the label the admin types
 * ("Blood type" → blood_type, "Vehículos" → vehiculos → VEH); the admin can
 * still edit them. Pure, so the admin forms and their tests share it.
 */
export function keyFromLabel(label: string, maxLength = 50): string {
  const ascii = label
    .normalize('NFD')
    // Combining marks: "Vehículo" → "Vehiculo", so Spanish labels give readable keys.
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // Keys start with a letter: "2nd phone" → "f_2nd_phone".
  const key = /^[0-9]/.test(ascii) ? `f_${ascii}` : ascii;
  return key.slice(0, maxLength).replace(/_+$/, '');
}

/** "Vehicles" → "VEH", "Car loans" → "CAR"; at least 2 letters or nothing. */
export function prefixFromLabel(label: string): string {
  const letters = keyFromLabel(label).replace(/[^a-z0-9]/g, '').replace(/^[0-9]+/, '').toUpperCase();
  return letters.length >= 2 ? letters.slice(0, 3) : '';
}
