/** Small builders for valid Hospital records; tests override what they pin down. */
export function buildDoctor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    full_name: 'Dr. Grace Hopper',
    specialization: 'Cardiologist',
    license_number: `LIC-${Math.random().toString(36).slice(2, 10)}`,
    email: 'grace.hopper@clinic.example',
    phone: '+1 555 0100',
    status: 'Active',
    ...overrides,
  };
}

export function buildPatient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patient_id: 'P-1001',
    full_name: 'Ada Lovelace',
    date_of_birth: '1985-12-10',
    phone: '+1 555 0101',
    email: 'ada@example.com',
    status: 'New',
    ...overrides,
  };
}

export function buildAppointment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appointment_date: '2026-12-01T10:00:00Z',
    reason: 'Annual check-up',
    status: 'Scheduled',
    ...overrides,
  };
}
