"""Given and family names by region, romanised the way people write them on tech profiles."""

from __future__ import annotations

__all__ = ["NAMES"]

# region -> (given names, family names)
# fmt: off
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "anglo": (
        (
            "James", "Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Ashley", "Daniel",
            "Hannah", "Ryan", "Megan", "Tyler", "Olivia", "Jordan", "Rachel", "Sam", "Laura",
        ),
        (
            "Smith", "Johnson", "Williams", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark",
            "Walker", "Hall", "Young", "Allen", "Wright", "Scott", "Murphy", "O'Brien", "Bennett",
        ),
    ),
    "india": (
        (
            "Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun", "Divya", "Rohan",
            "Kavya", "Aditya", "Pooja", "Karthik", "Meera", "Siddharth", "Nisha", "Amit", "Shreya",
        ),
        (
            "Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Singh", "Kumar", "Menon", "Joshi",
            "Rao", "Banerjee", "Desai", "Kulkarni", "Chatterjee", "Mehta", "Pillai",
        ),
    ),
    "german": (
        (
            "Lukas", "Anna", "Jonas", "Lena", "Felix", "Katharina", "Maximilian", "Julia", "Tobias",
            "Sophie", "Jan", "Miriam", "Florian", "Clara", "Moritz", "Johanna",
        ),
        (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Braun",
        ),
    ),
    "lusophone": (
        (
            "João", "Ana", "Pedro", "Mariana", "Lucas", "Beatriz", "Gabriel", "Camila", "Rafael",
            "Larissa", "Thiago", "Fernanda", "Bruno", "Juliana", "Diego", "Carolina",
        ),
        (
            "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira",
            "Rodrigues", "Almeida", "Carvalho", "Ribeiro", "Gomes", "Martins", "Barbosa",
        ),
    ),
    "hispanic": (
        (
            "Carlos", "María", "Javier", "Lucía", "Alejandro", "Sofía", "Miguel", "Valentina",
            "Andrés", "Daniela", "Pablo", "Isabel", "Sergio", "Paula", "Mateo", "Elena",
        ),
        (
            "García", "Martínez", "López", "Hernández", "González", "Rodríguez", "Pérez", "Sánchez",
            "Ramírez", "Torres", "Flores", "Díaz", "Moreno", "Jiménez", "Ruiz", "Castillo",
        ),
    ),
    "french": (
        (
            "Louis", "Camille", "Hugo", "Manon", "Théo", "Chloé", "Nicolas", "Léa", "Antoine",
            "Pauline", "Julien", "Inès", "Mathieu", "Élodie",
        ),
        (
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Lefèvre", "Fontaine", "Girard", "Rousseau",
        ),
    ),
    "dutch": (
        (
            "Daan", "Sanne", "Bram", "Lotte", "Thijs", "Femke", "Ruben", "Anouk", "Joris", "Eva",
            "Sem", "Iris",
        ),
        (
            "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
            "de Boer", "Mulder", "Bos", "Vos",
        ),
    ),
    "polish": (
        (
            "Jakub", "Zuzanna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Łukasz", "Magdalena",
            "Paweł", "Aleksandra", "Michał", "Joanna",
        ),
        (
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
            "Szymański", "Woźniak", "Kaczmarek", "Mazur", "Krawczyk",
        ),
    ),
    "ukrainian": (
        (
            "Oleksandr", "Olena", "Andriy", "Iryna", "Dmytro", "Kateryna", "Serhiy", "Natalia",
            "Yaroslav", "Oksana", "Taras", "Sofiia",
        ),
        (
            "Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko",
            "Moroz", "Lysenko", "Savchenko", "Rudenko", "Marchenko",
        ),
    ),
    "nigeria": (
        (
            "Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Funmilayo", "Tunde", "Chiamaka",
            "Ibrahim", "Amina", "Segun", "Blessing", "Obinna", "Temitope",
        ),
        (
            "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu", "Ogunleye",
            "Bello", "Olawale", "Chukwu", "Abubakar", "Afolabi", "Okeke",
        ),
    ),
    "kenya": (
        (
            "Brian", "Wanjiru", "Kevin", "Akinyi", "Dennis", "Njeri", "Collins", "Achieng",
            "Kipchoge", "Wambui",
        ),
        (
            "Otieno", "Kamau", "Mwangi", "Odhiambo", "Kariuki", "Wanjala", "Kiplagat", "Njoroge",
            "Ochieng", "Mutua",
        ),
    ),
    "arabic": (
        (
            "Ahmed", "Fatma", "Omar", "Nour", "Youssef", "Mariam", "Mostafa", "Salma", "Karim",
            "Yasmin",
        ),
        (
            "Hassan", "Mahmoud", "Ibrahim", "Abdelrahman", "Mansour", "Fawzy", "Saleh", "Nasser",
            "Farouk", "Khalil",
        ),
    ),
    "southafrica": (
        (
            "Thabo", "Lerato", "Sipho", "Naledi", "Pieter", "Anika", "Kagiso", "Zanele", "Ruan",
            "Palesa",
        ),
        (
            "Nkosi", "Dlamini", "Botha", "Mokoena", "van der Merwe", "Khumalo", "Naidoo",
            "Pretorius", "Ndlovu", "Molefe",
        ),
    ),
    "japan": (
        (
            "Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura", "Takumi", "Yuna", "Kenji", "Miho",
        ),
        (
            "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
            "Kobayashi", "Kato",
        ),
    ),
    "china": (
        (
            "Wei", "Xin", "Hao", "Jing", "Lei", "Yan", "Jun", "Mei", "Tao", "Lin",
        ),
        (
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
        ),
    ),
    "korea": (
        (
            "Minjun", "Seoyeon", "Jihoon", "Jiwoo", "Hyunwoo", "Soyeon", "Donghyun", "Yuna",
        ),
        (
            "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
        ),
    ),
    "vietnam": (
        (
            "Minh", "Linh", "Duc", "Trang", "Huy", "Thao", "Quang", "Ngoc",
        ),
        (
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi",
        ),
    ),
    "indonesia": (
        (
            "Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu",
        ),
        (
            "Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Nugroho", "Lestari",
        ),
    ),
    "philippines": (
        (
            "Mark", "Kristine", "John Paul", "Angelica", "Carlo", "Patricia", "Joshua", "Camille",
        ),
        (
            "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Villanueva",
        ),
    ),
    "turkey": (
        (
            "Emre", "Zeynep", "Burak", "Elif", "Mehmet", "Ayşe", "Can", "Selin",
        ),
        (
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan",  # noqa: RUF001 (Turkish dotless i)
        ),
    ),
    "nordic": (
        (
            "Erik", "Astrid", "Oskar", "Elsa", "Lars", "Ingrid", "Nils", "Maja",
        ),
        (
            "Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Berg", "Lund", "Sjöberg",
        ),
    ),
    "italian": (
        (
            "Marco", "Giulia", "Luca", "Francesca", "Matteo", "Chiara", "Alessandro", "Sara",
        ),
        (
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
        ),
    ),
    "hebrew": (
        (
            "Noam", "Tamar", "Yonatan", "Noa", "Itai", "Maya", "Omer", "Shira",
        ),
        (
            "Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Katz", "Azulay",
        ),
    ),
    "pakistan": (
        (
            "Ali", "Ayesha", "Hamza", "Fatima", "Usman", "Zainab", "Bilal", "Hira",
        ),
        (
            "Khan", "Ahmed", "Qureshi", "Malik", "Hussain", "Siddiqui", "Raza", "Chaudhry",
        ),
    ),
    "romanian": (
        (
            "Andrei", "Ioana", "Mihai", "Elena", "Alexandru", "Andreea", "Radu", "Bianca",
        ),
        (
            "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Munteanu",
        ),
    ),
}
# fmt: on
