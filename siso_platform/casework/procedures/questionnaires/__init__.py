"""Form exports ("siso-form/1") of the questionnaires the procedure templates use."""
