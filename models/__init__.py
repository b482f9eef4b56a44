"""The trained models wiredesk ships (README.md says what each was trained on), found through
`wiredesk.shipped.models_dir`; WIREDESK_MODELS_DIR points elsewhere."""
