"""Field layout: from text lines on a license page to the API's fields, with validators and cross-checks."""
