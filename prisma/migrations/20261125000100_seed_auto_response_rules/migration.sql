-- Seed the five keyword auto-response rules the product ships with (priority 1 = highest).
-- Data, not code: admins edit them later through the API. Seeded by a migration so it happens
-- exactly once per database; deleting a rule never brings it back.
INSERT INTO "auto_response_rules" ("id", "name", "keywords", "response", "priority", "flags_agent", "opts_out", "active", "updated_at") VALUES
('7d3c2a3e-0c1f-4d59-9a44-000000000001', 'Help', ARRAY['help', 'support', 'assistance'],
 'Thanks for reaching out! We''re here to help. An agent will follow up with you shortly. Reply STOP to unsubscribe.',
 1, true, false, true, CURRENT_TIMESTAMP),
('7d3c2a3e-0c1f-4d59-9a44-000000000002', 'Documents', ARRAY['documents', 'upload', 'send'],
 'To send us documents, reply to this number with a photo or PDF attached (MMS), one document per message. We''ll confirm once we have them.',
 2, false, false, true, CURRENT_TIMESTAMP),
('7d3c2a3e-0c1f-4d59-9a44-000000000003', 'Status', ARRAY['status', 'progress', 'update'],
 'Thanks for checking in. We''ve asked an agent to look at your case and they will update you on its status shortly.',
 3, true, false, true, CURRENT_TIMESTAMP),
('7d3c2a3e-0c1f-4d59-9a44-000000000004', 'Unsubscribe', ARRAY['stop', 'unsubscribe', 'opt out'],
 'You have been unsubscribed and will receive no further messages from us. Reply START to resubscribe.',
 4, false, true, true, CURRENT_TIMESTAMP),
('7d3c2a3e-0c1f-4d59-9a44-000000000005', 'Confirmation', ARRAY['yes', 'ok', 'confirm'],
 'Thank you, your confirmation has been received.',
 5, false, false, true, CURRENT_TIMESTAMP);
