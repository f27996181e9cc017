"""Shipped examples for the checker-only generic tasks (their ``generate`` picks one)."""

MATH = [
    {"question": "Simplify (x^2 - 1)/(x - 1).", "answer": "x + 1"},
    {"question": "Evaluate \\int_0^1 2x\\,dx.", "answer": "1"},
    {"question": "Solve x^2 = 2 for the positive root.", "answer": "\\sqrt{2}"},
    {"question": "What is \\frac{1}{2} + \\frac{1}{3}?", "answer": "\\frac{5}{6}"},
    {"question": "Differentiate x^3 with respect to x.", "answer": "3x^2"},
    {"question": "Expand (a + b)^2.", "answer": "a^2 + 2ab + b^2"},
    {"question": "What is \\sin(\\pi/6)?", "answer": "\\frac{1}{2}"},
    {"question": "Compute \\sum_{k=1}^{10} k.", "answer": "55"},
    {"question": "What is the derivative of e^{2x}?", "answer": "2e^{2x}"},
    {"question": "Simplify \\sqrt{8}.", "answer": "2\\sqrt{2}"},
    {"question": "What is \\log_2 32?", "answer": "5"},
    {"question": "Solve 3x + 4 = 19.", "answer": "5"},
]

NUMBER = [
    {"question": "What is the speed of light in vacuum, in m/s?", "answer": "2.998e8", "rel_tol": 0.001},
    {"question": "What is Avogadro's number (per mole)?", "answer": "6.022e23", "rel_tol": 0.001},
    {"question": "What is the molar mass of water in g/mol?", "answer": "18.015", "rel_tol": 0.001},
    {"question": "What is the boiling point of water at 1 atm, in kelvin?", "answer": "373.15", "abs_tol": 0.5},
    {"question": "What is the gas constant R in J/(mol K)?", "answer": "8.314", "rel_tol": 0.001},
    {"question": "How many seconds are in one day?", "answer": "86400"},
    {"question": "What is the elementary charge in coulombs?", "answer": "1.602e-19", "rel_tol": 0.001},
    {"question": "What is the standard gravity g in m/s^2?", "answer": "9.80665", "rel_tol": 0.001},
    {"question": "What is pi to four decimal places?", "answer": "3.1416", "abs_tol": 0.0001},
    {"question": "How many base pairs does a codon have?", "answer": "3"},
]

CHOICE = [
    {"question": "Which planet is the largest in the Solar System?",
     "choices": ["Mars", "Jupiter", "Saturn", "Venus"], "answer": "B"},
    {"question": "Which gas makes up most of Earth's atmosphere?",
     "choices": ["Oxygen", "Carbon dioxide", "Nitrogen", "Argon"], "answer": "C"},
    {"question": "Which organelle makes most of a cell's ATP?",
     "choices": ["Mitochondrion", "Ribosome", "Nucleus", "Golgi apparatus"], "answer": "A"},
    {"question": "Which element has atomic number 6?",
     "choices": ["Nitrogen", "Oxygen", "Boron", "Carbon"], "answer": "D"},
    {"question": "What is the SI unit of force?",
     "choices": ["Joule", "Newton", "Pascal", "Watt"], "answer": "B"},
    {"question": "Which base pairs with adenine in DNA?",
     "choices": ["Thymine", "Cytosine", "Guanine", "Uracil"], "answer": "A"},
    {"question": "Which type of rock forms from cooled magma?",
     "choices": ["Sedimentary", "Metamorphic", "Igneous", "Evaporite"], "answer": "C"},
    {"question": "Which particle has no electric charge?",
     "choices": ["Proton", "Electron", "Positron", "Neutron"], "answer": "D"},
]

SMILES = [
    {"question": "Give the SMILES of ethanol.", "answer": "CCO"},
    {"question": "Give the SMILES of benzene.", "answer": "c1ccccc1"},
    {"question": "Give the SMILES of acetic acid.", "answer": "CC(=O)O"},
    {"question": "Give the SMILES of acetone.", "answer": "CC(C)=O"},
    {"question": "Give the SMILES of phenol.", "answer": "Oc1ccccc1"},
    {"question": "Give the SMILES of cyclohexane.", "answer": "C1CCCCC1"},
    {"question": "Give the SMILES of pyridine.", "answer": "c1ccncc1"},
    {"question": "Give the SMILES of glycine.", "answer": "NCC(=O)O"},
    {"question": "Give the SMILES of toluene.", "answer": "Cc1ccccc1"},
    {"question": "Give the SMILES of methylamine.", "answer": "CN"},
]

FORMULA = [
    {"question": "What is the chemical formula of water?", "answer": "H2O"},
    {"question": "What is the chemical formula of table salt?", "answer": "NaCl"},
    {"question": "What is the chemical formula of hematite?", "answer": "Fe2O3"},
    {"question": "What is the molecular formula of glucose?", "answer": "C6H12O6"},
    {"question": "What is the chemical formula of sulfuric acid?", "answer": "H2SO4"},
    {"question": "What is the chemical formula of calcite?", "answer": "CaCO3"},
    {"question": "What is the chemical formula of ammonia?", "answer": "NH3"},
    {"question": "What is the chemical formula of quartz?", "answer": "SiO2"},
    {"question": "What is the chemical formula of methane?", "answer": "CH4"},
    {"question": "What is the chemical formula of rutile?", "answer": "TiO2"},
]
