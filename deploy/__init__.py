"""Deploy files and their renderer; trial.py runs the rendered layout for the bench and the tests."""
