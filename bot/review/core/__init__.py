"""What every part of a review shares: the review's data model, platforms and data files."""
