"""Types every stage shares: severities, diagnostics, results, configuration, safe text."""
