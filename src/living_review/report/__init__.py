"""What the chapters call to turn engine results into the book's tables, figures and prose numbers.

Chapters hold no functions of their own: whatever a chapter needs beyond a single call
into the engine lives in a module of this package, one concern per module.
"""
