/**
 * Small word lists the demo records are assembled from. Enough variety to look
 * like a real CRM; deliberately fictional (555 phone numbers, example domains).
 */
export const FIRST_NAMES = [
  'Amelia', 'James', 'Priya', 'Mateo', 'Chloe', 'Daniel', 'Aisha', 'Lucas', 'Sofia', 'Ethan', 'Hannah', 'Omar',
  'Grace', 'Wei', 'Isabella', 'Noah', 'Fatima', 'Liam', 'Yuki', 'Gabriel', 'Zara', 'Samuel', 'Elena', 'Kwame',
  'Olivia', 'Rahul', 'Camila', 'Benjamin', 'Leila', 'Henry', 'Ananya', 'Diego', 'Charlotte', 'Tomás', 'Mei',
  'Isaac', 'Nadia', 'Oscar', 'Ruby', 'Jonah',
] as const;

export const LAST_NAMES = [
  'Hart', 'Okafor', 'Sharma', 'García', 'Nguyen', 'Thompson', 'Rahman', 'Kowalski', 'Rossi', 'Campbell', 'Haddad',
  'Chen', 'Murphy', 'Silva', 'Patel', 'Johansson', 'Adeyemi', 'Fischer', 'Tanaka', 'Dubois', 'Morales', 'Walsh',
  'Kim', 'Baptiste', 'Novak', 'Iyer', 'Reyes', 'Schneider', 'Abbott', 'Lindqvist', 'Mensah', 'Costa', 'Brennan',
  'Das', 'Whitaker', 'Santos',
] as const;

export const STREETS = [
  'Maple Avenue', 'Harbor Street', 'Cedar Lane', 'Elm Court', 'Riverside Drive', 'Oak Ridge Road', 'Willow Way',
  'King Street', 'Bayview Terrace', 'Chestnut Boulevard', 'Park Row', 'Mill Road', 'Juniper Close', 'Lakeshore Drive',
] as const;

export const CITIES = [
  'Springfield', 'Riverton', 'Lakewood', 'Fairview', 'Brookside', 'Cedar Falls', 'Port Hadley', 'Westbury',
  'Kingsbridge', 'Oakmont',
] as const;

export const COMPANIES = [
  'Brightline Logistics', 'Cobalt Health Partners', 'Evergreen Foods', 'Helix Analytics', 'Ironwood Manufacturing',
  'Juniper Financial', 'Keystone Energy', 'Lumen Retail Group', 'Meridian Software', 'Northstar Education',
  'Orchid Pharmaceuticals', 'Pinnacle Freight', 'Quarry Stone Builders', 'Redwood Capital', 'Silverline Telecom',
  'Tidewater Marine', 'Summit Hospitality', 'Vantage Robotics',
] as const;

export const JOB_TITLES = [
  'Head of Operations', 'Procurement Manager', 'CFO', 'IT Director', 'VP Sales', 'Office Manager', 'COO',
  'Marketing Lead', 'Product Manager', 'HR Business Partner', 'Finance Controller', 'CEO',
] as const;

export const DEPARTMENTS = ['Finance', 'Operations', 'IT', 'Procurement', 'Marketing', 'Sales', 'Human Resources'] as const;

export const INSURERS = ['BlueRiver Health', 'Meridian Mutual', 'CareFirst Alliance', 'Northbridge Insurance', 'Sunrise Health Plan'] as const;

/** Free-text lines by the field they fill, per industry; the generator picks one at random. */
export const PHRASES: Readonly<Record<string, readonly string[]>> = {
  reason: [
    'Persistent lower back pain for two weeks', 'Annual physical examination', 'Follow-up on blood pressure medication',
    'Recurring migraines, worse in the mornings', 'Post-operative check of the left knee', 'Skin rash on both forearms',
    'Shortness of breath when climbing stairs', 'Child vaccination schedule review', 'Review of recent lab results',
  ],
  diagnosis: [
    'Mild hypertension, stage 1', 'Lumbar muscle strain', 'Seasonal allergic rhinitis', 'Type 2 diabetes, well controlled',
    'Tension-type headache', 'Contact dermatitis', 'Iron-deficiency anaemia',
  ],
  treatment: [
    'Lifestyle changes and home blood-pressure monitoring', 'Physiotherapy twice a week for four weeks',
    'Topical corticosteroid for ten days', 'Iron supplements; repeat blood count in six weeks', 'Rest, hydration and analgesics as needed',
  ],
  prescription: [
    'Amlodipine 5 mg once daily', 'Ibuprofen 400 mg up to three times daily with food', 'Cetirizine 10 mg at night',
    'Ferrous sulfate 200 mg twice daily', 'Metformin 500 mg twice daily',
  ],
  allergies: ['Penicillin', 'None known', 'Peanuts; latex', 'Sulfa drugs', 'None known', 'Shellfish'],
  medical_notes: [
    'Patient advised to return if symptoms persist.', 'Discussed diet and exercise plan.', 'Referred to specialist for a second opinion.',
    'No complications observed.', 'Bring previous imaging to the next visit.',
  ],
  property_description: [
    'Bright corner unit with open-plan living and views over the park.', 'Renovated family home close to schools and transport.',
    'Quiet street, south-facing garden and a recently updated kitchen.', 'Modern finishes, secure parking and a short walk to the waterfront.',
    'Spacious layout with high ceilings and plenty of natural light.',
  ],
  real_estate_notes: [
    'Prefers properties near good schools.', 'Pre-approved for a mortgage; wants to move within three months.',
    'Asked for a second viewing with their partner.', 'Comparing with two other listings in the area.',
    'Flexible on move-in date, firm on budget.',
  ],
  feedback: [
    'Loved the light and the kitchen; worried about street noise.', 'Too small for their needs.', 'Very interested, wants to make an offer.',
    'Liked the location, not the layout.', 'Will bring family for a second look.',
  ],
  bio: [
    'Fifteen years in residential sales across the metro area.', 'Specialises in first-time buyers and downsizers.',
    'Former architect, now focused on new developments.', 'Known for patient negotiation and quick closings.',
  ],
  jewellery_notes: [
    'Prefers minimalist designs.', 'Buying an anniversary gift; budget flexible.', 'Regular customer since 2019.',
    'Interested in lab-grown diamonds.', 'Asked to be notified about the new bridal collection.',
  ],
  technician_notes: [
    'Prongs re-tipped; stone secure.', 'Resized up half a size, polished.', 'Clasp replaced with a lobster clasp.',
    'Chain soldered at two points; inspected under loupe.', 'Rhodium plating refreshed.',
  ],
  repair_item: [
    'Yellow gold wedding band', 'Diamond tennis bracelet', 'Pearl strand necklace', 'Sapphire halo ring',
    'Sterling silver charm bracelet', 'Vintage rose gold brooch',
  ],
  corporate_notes: [
    'Met at the regional trade show; interested in a pilot.', 'Budget review in the next quarter.',
    'Decision maker is the COO; champion in IT.', 'Requested a case study from a similar customer.',
    'Evaluating two competitors as well.',
  ],
  corporate_description: [
    'Multi-site rollout with phased onboarding.', 'Annual support renewal with expanded scope.',
    'Pilot for the analytics module across two departments.', 'Replacement of a legacy system; migration included.',
  ],
  next_step: ['Send revised proposal', 'Schedule technical demo', 'Call with procurement', 'Share reference customers', 'Prepare contract draft'],
  task_title: [
    'Call back about pricing', 'Send follow-up email', 'Prepare quarterly business review', 'Update proposal with new scope',
    'Book onsite workshop', 'Confirm contract signatories', 'Share product roadmap deck',
  ],
  medical_record_title: ['Consultation note', 'Blood panel results', 'Chest X-ray report', 'Prescription renewal', 'Discharge summary', 'Vaccination record'],
  property_title: [
    '{bedrooms}-bed {type} on {street}', 'Sunny {type} near {city} centre', 'Renovated {type} with garden, {city}',
    'Modern {type} close to the waterfront', 'Spacious {type} in {city}',
  ],
  inventory_item: [
    '{metal} {stone} Solitaire Ring', '{metal} Tennis Bracelet', '{metal} {stone} Pendant', 'Classic {metal} Hoop Earrings',
    '{metal} Rope Chain', '{metal} {stone} Eternity Band', 'Vintage {metal} Brooch', '{metal} Bangle with {stone} Accents',
  ],
  opportunity: ['{company} — platform expansion', '{company} — annual renewal', '{company} — analytics pilot', '{company} — support upgrade'],
  deal: ['{client} — {property}', 'Offer on {property}'],
  meeting_point: ['At the front gate', 'Lobby of the building', 'Our office on King Street', 'On-site sales gallery'],
  territory: ['Downtown', 'Northside', 'Waterfront', 'East Hills', 'University District'],
  preferred_locations: ['Downtown, Waterfront', 'East Hills', 'Near the university', 'Northside or Brookside', 'Anywhere with good schools'],
  engraving: ['Forever yours', 'A & J 2024', 'Always', 'With love, M.', 'To the moon and back'],
  emergency_relation: ['spouse', 'parent', 'sibling', 'partner', 'friend'],
};
