def apply_service_errors(form, exc):
    """Put a service's ValidationError on ``form``: keyed errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
