"""Models arrive with this app's issue; the app is registered so URLs and roles have a home."""
